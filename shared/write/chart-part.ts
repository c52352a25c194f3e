/**
 * DrawingML for the native charts of the analysis sheets: the chart part and the drawing that
 * anchors it. exceljs writes no charts, so these parts are written here, from the shared layout.
 * Every series caches its values, so viewers that do not recalculate still draw the chart.
 */
import { ChartLayout, CellRange, NUMBER_FORMATS, quoteSheet, rangeA1 } from '../sheet-layout';
import { sheetText, xmlText } from './xml-escape';

/** Series colours; fixed so a rendering can be checked by colour. */
export const PALETTE = ['2E75B6', 'ED7D31', 'A5A5A5', 'FFC000', '5B9BD5', '70AD47', '264478', '9E480E', '636363', '997300'];

const NS_C = 'http://schemas.openxmlformats.org/drawingml/2006/chart';
const NS_A = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const ref = (sheet: string, r: CellRange) => `${quoteSheet(sheet)}!${rangeA1(r, true)}`;
const fill = (rgb: string) => `<a:solidFill><a:srgbClr val="${rgb}"/></a:solidFill>`;

function strRef(f: string, values: string[]): string {
  const pts = values.map((v, i) => `<c:pt idx="${i}"><c:v>${sheetText(v)}</c:v></c:pt>`).join('');
  return `<c:strRef><c:f>${xmlText(f)}</c:f><c:strCache><c:ptCount val="${values.length}"/>${pts}</c:strCache></c:strRef>`;
}

function numRef(f: string, values: (number | null)[], format: string): string {
  const pts = values.map((v, i) => (v === null ? '' : `<c:pt idx="${i}"><c:v>${v}</c:v></c:pt>`)).join('');
  return `<c:numRef><c:f>${xmlText(f)}</c:f><c:numCache><c:formatCode>${xmlText(format)}</c:formatCode><c:ptCount val="${values.length}"/>${pts}</c:numCache></c:numRef>`;
}

function title(text: string, size: number): string {
  return `<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="${size}" b="1"/></a:pPr><a:r><a:rPr lang="zh-CN" sz="${size}" b="1"/><a:t>${xmlText(text)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>`;
}

function series(chart: ChartLayout, sheet: string, kind: 'bar' | 'line' | 'pie'): string {
  const cat = `<c:cat>${strRef(ref(sheet, chart.categories), chart.categoryValues)}</c:cat>`;
  return chart.series
    .map((s, k) => {
      const color = PALETTE[k % PALETTE.length]!;
      const head = `<c:idx val="${k}"/><c:order val="${k}"/><c:tx>${strRef(ref(sheet, s.nameCell), [s.name])}</c:tx>`;
      const val = `<c:val>${numRef(ref(sheet, s.values), chart.seriesValues[k]!, NUMBER_FORMATS[s.format])}</c:val>`;
      if (kind === 'bar') return `<c:ser>${head}<c:spPr>${fill(color)}</c:spPr><c:invertIfNegative val="0"/>${cat}${val}</c:ser>`;
      if (kind === 'line') {
        return `<c:ser>${head}<c:spPr><a:ln w="28575" cap="rnd">${fill(color)}<a:round/></a:ln></c:spPr><c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr>${fill(color)}</c:spPr></c:marker>${cat}${val}<c:smooth val="0"/></c:ser>`;
      }
      const points = chart.categoryValues.map((_, i) => `<c:dPt><c:idx val="${i}"/><c:bubble3D val="0"/><c:spPr>${fill(PALETTE[i % PALETTE.length]!)}<a:ln><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></a:ln></c:spPr></c:dPt>`).join('');
      const labels = '<c:dLbls><c:numFmt formatCode="0.0%" sourceLinked="0"/><c:showLegendKey val="0"/><c:showVal val="0"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="1"/><c:showBubbleSize val="0"/><c:showLeaderLines val="1"/></c:dLbls>';
      return `<c:ser>${head}${points}${labels}${cat}${val}</c:ser>`;
    })
    .join('');
}

function axes(horizontal: boolean, valueFormat: string): string {
  const [catPos, valPos] = horizontal ? ['l', 'b'] : ['b', 'l'];
  return (
    `<c:catAx><c:axId val="5001"/><c:scaling><c:orientation val="${horizontal ? 'maxMin' : 'minMax'}"/></c:scaling><c:delete val="0"/><c:axPos val="${catPos}"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/><c:crossAx val="5002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>` +
    `<c:valAx><c:axId val="5002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="${valPos}"/><c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines><c:numFmt formatCode="${xmlText(valueFormat)}" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="5001"/><c:crosses val="${horizontal ? 'max' : 'autoZero'}"/><c:crossBetween val="between"/></c:valAx>`
  );
}

/** The chart part (`xl/charts/chartN.xml`) of one analysis sheet's chart. */
export function chartPartXml(chart: ChartLayout, sheet: string): string {
  const percent = chart.series.every((s) => s.format === 'percent');
  const valueFormat = percent ? '0%' : '#,##0';
  let plot: string;
  switch (chart.type) {
    case 'column_clustered':
    case 'column_stacked':
    case 'bar_clustered': {
      const horizontal = chart.type === 'bar_clustered';
      const stacked = chart.type === 'column_stacked';
      plot =
        `<c:barChart><c:barDir val="${horizontal ? 'bar' : 'col'}"/><c:grouping val="${stacked ? 'stacked' : 'clustered'}"/><c:varyColors val="0"/>` +
        series(chart, sheet, 'bar') +
        `<c:gapWidth val="${stacked ? 60 : 150}"/>${stacked ? '<c:overlap val="100"/>' : ''}<c:axId val="5001"/><c:axId val="5002"/></c:barChart>` +
        axes(horizontal, valueFormat);
      break;
    }
    case 'line':
      plot = `<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>${series(chart, sheet, 'line')}<c:marker val="1"/><c:axId val="5001"/><c:axId val="5002"/></c:lineChart>` + axes(false, valueFormat);
      break;
    case 'pie':
      plot = `<c:pieChart><c:varyColors val="1"/>${series(chart, sheet, 'pie')}<c:firstSliceAng val="0"/></c:pieChart>`;
      break;
  }
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<c:chartSpace xmlns:c="${NS_C}" xmlns:a="${NS_A}" xmlns:r="${NS_R}"><c:roundedCorners val="0"/>` +
    `<c:chart>${title(chart.title, 1400)}<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>${plot}</c:plotArea>` +
    `<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>` +
    `<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr>` +
    `</c:chartSpace>`
  );
}

/** The drawing part that places one chart over a block of cells. */
export function drawingPartXml(chart: ChartLayout, chartRelId: string, name: string): string {
  const { row, col, rows, cols } = chart.anchor;
  const at = (c: number, r: number) => `<xdr:col>${c}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${r}</xdr:row><xdr:rowOff>0</xdr:rowOff>`;
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="${NS_A}">` +
    `<xdr:twoCellAnchor editAs="oneCell"><xdr:from>${at(col, row)}</xdr:from><xdr:to>${at(col + cols, row + rows)}</xdr:to>` +
    `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="${xmlText(name)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>` +
    `<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="${NS_C}">` +
    `<c:chart xmlns:c="${NS_C}" xmlns:r="${NS_R}" r:id="${chartRelId}"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>`
  );
}
