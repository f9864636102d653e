/**
 * `httpcache/fs`: {@link FileSystemStorage}, entries as plain files in a directory, with
 * pluggable metadata serializers.
 *
 * @module
 */

export { defaultDirectory } from './storage/fs/layout.ts';
export { FileSystemStorage, type FileSystemStorageOptions } from './storage/fs.ts';
export {
  jsonSerializer,
  msgpackSerializer,
  type Serializer,
  yamlSerializer,
} from './storage/serializers.ts';
