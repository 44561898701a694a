import type { JsonEvents, JsonScalar } from './json-tokenizer.js';

export type JsonValue = JsonScalar | JsonValue[] | { [key: string]: JsonValue };

/** Where a value sits: object keys and array indexes from the root. */
export type JsonPath = readonly (string | number)[];

export interface WalkVisitor {
  /**
   * Asked for every object or array that starts outside a captured value: true builds it
   * whole and hands it to `captured` once it closes. Everything else is only tokenized.
   */
  capture(path: JsonPath, kind: 'object' | 'array', offset: number): boolean;
  captured(path: JsonPath, value: JsonValue, start: number, end: number): void;
  /** A scalar outside any captured value. */
  scalar?(path: JsonPath, value: JsonScalar, offset: number): void;
  /** A container that was not captured has started or ended. */
  enter?(path: JsonPath, kind: 'object' | 'array', offset: number): void;
  leave?(path: JsonPath, kind: 'object' | 'array', end: number): void;
}

interface Frame {
  kind: 'object' | 'array';
  /** The next array index, or the key just read. */
  index: number;
  key: string;
  /** Set while building a captured value. */
  value: JsonValue[] | { [key: string]: JsonValue } | undefined;
  start: number;
}

/**
 * Turns tokenizer events into a path-aware walk that builds JS values only where the
 * visitor asks: the messages of an export are built one at a time and dropped, everything
 * around them is never materialised.
 */
export function createJsonWalker(visitor: WalkVisitor): JsonEvents {
  const frames: Frame[] = [];
  const path: (string | number)[] = [];
  // The frame index at which the current capture began, or -1.
  let captureDepth = -1;

  const childSlot = () => {
    const parent = frames[frames.length - 1];
    if (!parent) return;
    path.push(parent.kind === 'array' ? parent.index : parent.key);
  };

  const attach = (value: JsonValue) => {
    const parent = frames[frames.length - 1];
    if (!parent?.value) return;
    if (Array.isArray(parent.value)) parent.value.push(value);
    else if (parent.key === '__proto__') {
      // As JSON.parse does: an own property, never the prototype.
      Object.defineProperty(parent.value, parent.key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else parent.value[parent.key] = value;
  };

  const afterChild = () => {
    const parent = frames[frames.length - 1];
    if (parent?.kind === 'array') parent.index++;
  };

  const start = (kind: 'object' | 'array', offset: number) => {
    const inCapture = captureDepth >= 0;
    childSlot();
    let value: Frame['value'];
    if (inCapture) value = kind === 'array' ? [] : {};
    else if (visitor.capture(path, kind, offset)) {
      value = kind === 'array' ? [] : {};
      captureDepth = frames.length;
    } else visitor.enter?.(path, kind, offset);
    frames.push({ kind, index: 0, key: '', value, start: offset });
  };

  const finish = (end: number) => {
    const frame = frames.pop()!;
    if (captureDepth === frames.length) {
      captureDepth = -1;
      visitor.captured(path, frame.value!, frame.start, end);
    } else if (captureDepth >= 0) {
      attach(frame.value!);
    } else visitor.leave?.(path, frame.kind, end);
    if (frames.length > 0) path.pop();
    afterChild();
  };

  return {
    startObject: (offset) => start('object', offset),
    startArray: (offset) => start('array', offset),
    endObject: finish,
    endArray: finish,
    key(name) {
      frames[frames.length - 1]!.key = name;
    },
    scalar(value, offset) {
      if (captureDepth >= 0) attach(value);
      else if (visitor.scalar) {
        childSlot();
        visitor.scalar(path, value, offset);
        if (frames.length > 0) path.pop();
      }
      afterChild();
    },
  };
}
