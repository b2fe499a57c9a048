/**
 * The collections full-text search reads (R13 scenario 11), on the server and in the app's offline
 * fallback alike. Activity is left out (its text is rendered per audience, as the feed), and so are
 * sharing settings and links (not content).
 */
export const SEARCHED_COLLECTIONS = [
  'weddings',
  'forms',
  'form_answers',
  'tasks',
  'meetings',
  'notes',
  'messages',
  'payments',
  'journeys',
  'team_chat',
] as const;
