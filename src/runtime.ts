// Which runtime this is, for the few things that must differ (limits of the platform, not rules).
/** Cloudflare Workers (and local workerd) say so in navigator.userAgent. */
export const onWorkers = globalThis.navigator?.userAgent === 'Cloudflare-Workers';
