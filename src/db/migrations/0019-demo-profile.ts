import { runStatements, type Migration } from './migration.js';

/**
 * A user's demo profile (POST /api/demo) is a user of its own, so demo data
 * is never mixed into the owner's library and deleting that user removes
 * all of it. `demo_of` names its owner: only they enter or remove it, it
 * goes with them, and each user has one at most.
 */
export const demoProfile: Migration = {
  name: '0019-demo-profile',
  up: (db) =>
    runStatements(db, [
      `ALTER TABLE app_user
        ADD COLUMN demo_of bigint REFERENCES app_user (id) ON DELETE CASCADE,
        ADD CONSTRAINT app_user_demo_of_key UNIQUE (demo_of),
        ADD CONSTRAINT app_user_demo_of_other CHECK (demo_of <> id)`,
    ]),
};
