import { join } from 'node:path';
import { SqliteStorage } from '../../src/sqlite.ts';
import { manageSuite } from './manage.ts';

manageSuite({
  name: 'SQLite',
  uri: (directory) => `sqlite:${join(directory, 'cache.sqlite')}`,
  open: (directory) => new SqliteStorage({ path: join(directory, 'cache.sqlite') }),
});
