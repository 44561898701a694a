import {
  type EventSink,
  type FetchEvent,
  parseScheduleCommandId,
  type TgfetchError,
  toTgfetchError,
} from '@tgfetch/core';
import type { RedisSchedules } from './schedules.js';

const RECORDED = new Set<FetchEvent['event']>(['started', 'completed', 'failed']);

/**
 * An event sink that also records, for the schedule that made a command, how the command
 * went (`RedisSchedules.recordOutcome`), from the same events the worker publishes: nothing
 * is lost to a subscription that was not listening. Recording is best effort: a failure is
 * told to `onError` and never fails the publish.
 */
export function withScheduleOutcomes(
  sink: EventSink,
  schedules: Pick<RedisSchedules, 'recordOutcome'>,
  onError: (error: TgfetchError) => void = () => {},
): EventSink {
  return {
    async publish(event) {
      await sink.publish(event);
      if (!RECORDED.has(event.event) || !parseScheduleCommandId(event.command_id)) return;
      await schedules
        .recordOutcome(event)
        .catch((error: unknown) => onError(toTgfetchError(error)));
    },
    ...(sink.close ? { close: () => sink.close?.() ?? Promise.resolve() } : {}),
  };
}
