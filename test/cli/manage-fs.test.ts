import { join } from 'node:path';
import { FileSystemStorage } from '../../src/fs.ts';
import { manageSuite } from './manage.ts';

manageSuite({
  name: 'file system',
  uri: (directory) => `fs:${join(directory, 'files')}`,
  open: (directory) => new FileSystemStorage({ directory: join(directory, 'files') }),
});
