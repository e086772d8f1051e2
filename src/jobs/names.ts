/** Queue names shared by publishers in the app and consumers in the worker. */
export const ANALYTICS_QUEUE = "analytics";
/** Scheduled clean-ups (see src/housekeeping). */
export const HOUSEKEEPING_QUEUE = "housekeeping";
