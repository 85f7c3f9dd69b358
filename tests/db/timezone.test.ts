// Timestamps the database writes (a batch's loaded_at, an approval's, a review's) are Vietnam wall
// time whatever the server's zone, like "today" (pipelines/normalize/calendar.ts): a page saying
// "updated at 14:02" means 14:02 in Hà Nội, not on the server's clock.
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../pipelines/db/connect.ts';
import { openTempDb } from '../helpers.ts';

let opened: Awaited<ReturnType<typeof openTempDb>> | null = null;
afterAll(() => opened?.cleanup());

describe('the database clock', () => {
  it('is Vietnam time on every connection', async () => {
    opened = await openTempDb();
    const other: Database = await opened.db.fork();
    try {
      for (const db of [opened.db, other]) {
        expect(await db.scalar("select current_setting('TimeZone')")).toBe('Asia/Ho_Chi_Minh');
        // a timestamp written now reads as UTC + 7 hours (Vietnam keeps no summer time)
        const hours = Number(
          await db.scalar(
            `select epoch(current_timestamp::timestamp) / 3600 - $utc::double / 3600000`,
            { utc: Date.now() },
          ),
        );
        expect(hours).toBeGreaterThan(6.9);
        expect(hours).toBeLessThan(7.1);
      }
    } finally {
      other.close();
    }
  });
});
