/**
 * The engine (libs/ops) names its options in backticks by their option names (`fromOffset`); the
 * CLI shows its flags instead (`--from-offset`). One table, applied to every engine error the CLI
 * prints. A backticked word that is not an option (e.g. a command) is left as it is.
 */
const OPTION_FLAGS: Readonly<Record<string, string>> = Object.freeze({
  // replay
  topic: '--topic',
  toTopic: '--to-topic',
  partition: '--partition',
  fromOffset: '--from-offset',
  toOffset: '--to-offset',
  from: '--from',
  to: '--to',
  header: '--header',
  where: '--where',
  handlers: '--handlers',
  rate: '--rate',
  speed: '--speed',
  id: '--id',
  // dlq and replay into a subscription
  queue: '--queue',
  subscription: '--subscription',
  domain: '--domain',
  // offsets --reset
  toEarliest: '--to-earliest',
  toLatest: '--to-latest',
  toDatetime: '--to-datetime',
  byDuration: '--by-duration',
  shiftBy: '--shift-by',
});

/** `text` with each backticked engine option name replaced by the CLI flag that sets it. */
export function withFlagNames(text: string): string {
  return text.replace(/`([A-Za-z]+)`/g, (whole, option: string) => (Object.hasOwn(OPTION_FLAGS, option) ? OPTION_FLAGS[option]! : whole));
}
