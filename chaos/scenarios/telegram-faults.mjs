export const name = 'telegram-faults'; export async function run() { return { name, skipped: 'not written yet' }; }
