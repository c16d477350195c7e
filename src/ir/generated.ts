/** The tag of the metadata comment `gen ts` writes: readers know generated modules by it. */
export const GENERATED_MARKER = "@abidrift-generated";
