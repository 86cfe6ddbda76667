// The types of /workbench/messages.js, which the server generates from the typed catalogues (src/i18n).
/** Both message catalogues: locale → key → message. */
export declare const catalogues: { readonly [locale: string]: { readonly [key: string]: string } }
