import { commandParams, parseWireCommand } from './command.js';
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
      `the command was delivered ${attempts === 1 ? 'once' : `${attempts} times`} without finishing; moved to the dead-letter queue`,
    ),
    errors: attempts,
    ts: new Date(now).toISOString(),
    worker_id: workerId,
  });
}

type Described = Pick<FailedEvent, 'command_id' | 'chat' | 'mode' | 'params' | 'command'>;

/**
 * What the event says about the command. The payload may be what crashed its handling
 * (the parser included), so that is tried once here, inside a guard: failing that, the id
 * is read from the top level, or made as every delivery of it made it.
 */
function describeDeadLetter(delivery: Delivery): Described {
  const newId = () => stableCommandId(delivery.id);
  try {
    const parsed = parseWireCommand(delivery.payload, { newId });
    if (!parsed.ok) return parsed.rejected;
    const { command } = parsed;
    if (command.command === 'fetch') {
      return {
        command_id: command.command_id,
        chat: command.chat,
        mode: command.mode,
        params: commandParams(command),
      };
    }
    return {
      command_id: command.command_id,
      chat: command.command === 'schedule' ? null : command.chat,
      mode: null,
      params: {},
      command: command.command,
    };
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
