/**
 * A refusal that a person reads: its words in both languages, so every shell (CLI, service,
 * workbench) says it in the session's language. Option errors, write errors and money out of
 * range are all of this kind; anything else that is thrown is a defect.
 */
/** Words in both languages; the session's is shown. */
export interface Said {
  zh: string;
  en: string;
}

export class SaidError extends Error {
  constructor(readonly said: Said) {
    super(said.en);
  }

  text(lang: 'zh' | 'en'): string {
    return this.said[lang];
  }
}
