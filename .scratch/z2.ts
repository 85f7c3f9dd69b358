import { z } from 'zod';
const s = z.object({ a: z.number().int().min(1).max(31), b: z.string().min(1), c: z.array(z.string()).min(2), d: z.enum(['x','y']) }).strict();
console.log(JSON.stringify(s.safeParse({ a: 2.5, b: '', c: ['q'], d: 'z', e: 1 }, { reportInput: true }).error!.issues, null, 1));
console.log(JSON.stringify(s.safeParse({ a: 40, b: 3 }, { reportInput: true }).error!.issues, null, 1));
