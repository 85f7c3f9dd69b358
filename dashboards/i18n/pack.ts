// Words of the pack pages: Vietnamese first, the same keys in English.
export const vi = {} as const satisfies Record<string, string>;

export const en: Record<keyof typeof vi, string> = {};
