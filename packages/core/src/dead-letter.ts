import { commandParams, parseCommand } from './command.js';
import { deliveryKey, stableCommandId } from './delivery-id.js';
import { DeliveryErrorCode } from './error-codes.js';
import { coreError } from './errors.js';
import { type FailedEvent, failedEvent } from './events.js';
import type { Delivery } from './queue.js';

/**
 * The `failed` event of a dead-lettered delivery: the command kept coming back without
 * being settled and was moved to the dead letters, so it is reported, never run again.
 */
export function deadLetterEvent(delivery: Delivery, workerId: string, now: number): FailedEvent {
  const attempts = delivery.attempt - 1;
  return failedEvent({
    ...describeDeadLetter(delivery),
    error: coreError(
      DeliveryErrorCode.POISON_COMMAND,
      `the command was delivered ${attempts} times without finishing; moved to the dead-letter queue`,
    ),
    errors: attempts,
    ts: new Date(now).toISOString(),
    worker_id: workerId,
  });
}

type Described = Pick<FailedEvent, 'command_id' | 'chat' | 'mode' | 'params'>;

/**
 * What the event says about the command. The payload may be what crashed its handling
 * (the parser included), so that is tried once here, inside a guard: failing that, the id
 * is read from the top level, or made as every delivery of it made it.
 */
function describeDeadLetter(delivery: Delivery): Described {
  const newId = () => stableCommandId(delivery.id);
  try {
    const parsed = parseCommand(delivery.payload, { newId });
    return parsed.ok
      ? {
          command_id: parsed.command.command_id,
          chat: parsed.command.chat,
          mode: parsed.command.mode,
          params: commandParams(parsed.command),
        }
      : parsed.rejected;
  } catch {
    const key = deliveryKey(delivery.payload);
    return {
      command_id: key.startsWith('id:') ? key.slice(3) : newId(),
      chat: null,
      mode: null,
      params: {},
    };
  }
}
