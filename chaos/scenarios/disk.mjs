export const name = 'disk'; export async function run() { return { name, skipped: 'not written yet' }; }
