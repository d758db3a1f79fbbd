/** @switchyard/realtime: fan-out engine for browser streams (under construction). */
export {};
