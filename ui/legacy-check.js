/* ES5 on purpose: the first script of the pane and the workbench. In Internet Explorer (Trident:
 * Office 2016/2019 hosting add-ins in IE11, or a Chinese browser in compatibility mode) it says
 * what to do, in the page's words (built in from shared/desk-words.ts), and loads nothing else;
 * anywhere else it loads the page's script (data-app on <html>). */
(function () {
  var WORDS = __WORDS__;
  var root = document.documentElement;
  var ua = navigator.userAgent || '';
  var trident = !!document.documentMode || /Trident\/|MSIE /.test(ua);
  if (!trident) {
    // After the page's other scripts (office.js in the pane) have run.
    document.addEventListener('DOMContentLoaded', function () {
      var s = document.createElement('script');
      s.src = root.getAttribute('data-app');
      document.body.appendChild(s);
    });
    return;
  }
  window.ledgerSyncLegacy = true;
  var lang = (navigator.language || navigator.userLanguage || navigator.browserLanguage || 'zh').toLowerCase();
  var w = lang.indexOf('en') === 0 ? WORDS.en : WORDS.zh;
  var url = location.protocol + '//' + location.host + '/';
  var text = root.getAttribute('data-shell') === 'addin' ? w.addin.replace('%URL%', url) : w.bench;
  function showNotice() {
    var status = document.getElementById('status');
    if (status) {
      status.className = 'message error';
      status.innerText = text;
    }
    var app = document.getElementById('app');
    if (app) app.style.display = 'none';
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', showNotice);
  else showNotice();
})();
