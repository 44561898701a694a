/**
 * SIGTERM / SIGINT: the first asks for a clean stop, the second for an immediate one.
 * Returns a function that removes the handlers.
 */
export function onShutdownSignals(handlers: {
  first: (signal: string) => void;
  second: (signal: string) => void;
}): () => void {
  let count = 0;
  const handle = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) handlers.first(signal);
    else handlers.second(signal);
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
  return () => {
    process.off('SIGTERM', handle);
    process.off('SIGINT', handle);
  };
}
