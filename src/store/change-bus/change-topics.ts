/** A ChangeBus's handlers run once per topic; the topics DevUp publishes are these. */
export const changeTopics = {
  /** `{ id }` of a created or revoked API key. */
  keys: 'keys',
  /** `{ name }` of a deployment created, started, stopped, deleted or whose state changed. */
  deployments: 'deployments',
} as const;
