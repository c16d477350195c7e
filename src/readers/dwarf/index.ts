export { lineTableChecksums, type LineSections } from "./line-table.js";
