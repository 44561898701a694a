export const name = 'redis-faults'; export async function run() { return { name, skipped: 'not written yet' }; }
