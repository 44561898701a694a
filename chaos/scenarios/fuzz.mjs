export const name = 'fuzz'; export async function run() { return { name, skipped: 'not written yet' }; }
