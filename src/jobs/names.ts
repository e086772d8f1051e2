/** Queue names shared by publishers in the app and consumers in the worker. */
export const ANALYTICS_QUEUE = "analytics";
