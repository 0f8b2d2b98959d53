/** Status names shown to people (the receipts speak codes). */
export const LIST_STATUSES = [
  'waiting',
  'review',
  'inspection',
  'released',
  'closed',
  'rejected',
  'cancelled',
  'withdrawn',
] as const;
