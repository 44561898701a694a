export const name = 'poison'; export async function run() { return { name, skipped: 'not written yet' }; }
