/** Where every rule's documentation lives: docs/rules/<id>.md of the repository. */
export const RULE_DOCS = "https://github.com/abidrift/abidrift/blob/main/docs/rules/";

/** The stable address of a rule's page, which reports link each finding to. */
export function ruleDocsUrl(id: string): string {
  return `${RULE_DOCS}${id}.md`;
}
