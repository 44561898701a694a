/** What the child processes write, shared with the tests that check it. */
export const CRASH_CHATS = ['@alpha', '@beta', '@gamma', '@delta', '-1001234567890'];
export const CRASH_DATES = ['2024-12-31', '2025-01-01', '2025-01-02'];
export const CONTEND_CHAT = '@shared';
export const CONTEND_DATE = '2025-03-01';
