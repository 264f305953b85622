/** The performance mark set when a page's main content is on screen (read by `npm run bench -- pages`). */
export const MAIN_CONTENT_MARK = 'ttfs:main-content';
