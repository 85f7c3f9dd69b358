// Warehouse.spread: a page's independent reads on the read connections idle at the moment, never
// waiting for one while it holds its own (issue 15.7), and pipelines/db/spread.ts's inTurn.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { READERS, Warehouse } from '../../api/plugins/warehouse.ts';
import type { Database } from '../../pipelines/db/connect.ts';
import { inTurn } from '../../pipelines/db/spread.ts';
import { tempDir } from '../helpers.ts';

const { dir, cleanup } = tempDir();
let warehouse: Warehouse;
beforeAll(async () => {
  const path = join(dir, 'demo.duckdb');
  copyFileSync(inject('demoDb'), path);
  warehouse = await Warehouse.open(path);
});
afterAll(() => {
  warehouse.close();
  cleanup();
});

/** A work that notes the connection it ran on and answers `value` once `gate` opens. */
function work(ran: Database[], value: number, gate: Promise<void> = Promise.resolve()) {
  return async (db: Database) => {
    ran.push(db);
    await gate;
    return Number(await db.scalar<number>(`select ${value}`));
  };
}

describe('Warehouse.spread', () => {
  it('runs works at once on idle connections, with results in order', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const ran: Database[] = [];
    const done = warehouse.read((own) =>
      warehouse.spread(own, [work(ran, 1, gate), work(ran, 2, gate), work(ran, 3, gate)]),
    );
    // all three started before any finished: each on its own connection
    await expect.poll(() => ran.length).toBe(3);
    expect(new Set(ran).size).toBe(3);
    open();
    expect(await done).toEqual([1, 2, 3]);
  });

  it('runs them one after another on its own connection when none is idle, without waiting', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = Array.from({ length: READERS - 1 }, () => warehouse.read(() => held));
    const ran: Database[] = [];
    let ownDb: Database | null = null;
    const result = await warehouse.read((own) => {
      ownDb = own;
      return warehouse.spread(own, [work(ran, 1), work(ran, 2), work(ran, 3)]);
    });
    // answered while every other connection is still held
    expect(result).toEqual([1, 2, 3]);
    expect(ran).toEqual([ownDb, ownDb, ownDb]);
    release();
    await Promise.all(holders);
  });

  it('throws the first failure once every connection it took is done, and gives them back', async () => {
    let finished = 0;
    const slow = async (db: Database) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished++;
      return db.scalar('select 1');
    };
    const failing = async () => {
      throw new Error('no such table');
    };
    await expect(
      warehouse.read((own) => warehouse.spread(own, [slow, failing, slow])),
    ).rejects.toThrow('no such table');
    expect(finished).toBe(2);
    // every connection is idle again: READERS works at once, each on its own
    const ran: Database[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const works = Array.from({ length: READERS }, (_, i) => work(ran, i, gate));
    const done = warehouse.read((own) => warehouse.spread(own, works));
    await expect.poll(() => ran.length).toBe(READERS);
    expect(new Set(ran).size).toBe(READERS);
    open();
    expect(await done).toEqual(Array.from({ length: READERS }, (_, i) => i));
  });
});

describe('inTurn', () => {
  it('runs the works one after another on the one connection', async () => {
    const ran: Database[] = [];
    const order: number[] = [];
    const result = await warehouse.read((own) =>
      inTurn(own, [
        async (db) => {
          ran.push(db);
          await new Promise((resolve) => setTimeout(resolve, 20));
          order.push(1);
          return 'a';
        },
        async (db) => {
          ran.push(db);
          order.push(2);
          return 'b';
        },
      ]),
    );
    expect(result).toEqual(['a', 'b']);
    expect(order).toEqual([1, 2]);
    expect(new Set(ran).size).toBe(1);
  });
});
