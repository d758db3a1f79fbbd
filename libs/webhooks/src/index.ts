/** @switchyard/webhooks: the webhooks engine (under construction). */
export {};
