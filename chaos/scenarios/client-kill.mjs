export const name = 'client-kill'; export async function run() { return { name, skipped: 'not written yet' }; }
