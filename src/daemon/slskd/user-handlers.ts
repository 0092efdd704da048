// slskd's user routes over the client: one folder of a user's shares (soularr matches tracks against
// it), the whole shares, info, status and address. A user who is offline or does not answer is 404.

import type { Static } from 'typebox';
import type { Handlers } from '../http/route.ts';
import { notFound } from '../http/errors.ts';
import { FileAttributeKey } from '../../protocol/index.ts';
import type { Folder } from '../../model/shares.ts';
import type { SharedFile } from '../../model/files.ts';
import type { SlskdRoutes } from './routes.ts';
import type { Directory, DirectoryFile } from './schemas.ts';
import { asSlskd } from './errors.ts';
import type { SlskdDeps } from './deps.ts';

type UserRoutes = Pick<SlskdRoutes, 'v0UserDirectory' | 'v0UserBrowse' | 'v0UserInfo' | 'v0UserStatus' | 'v0UserEndpoint'>;

/** Soulseek.NET's FileAttributeType names by wire key; keys it has no name for are left out. */
const ATTRIBUTE_NAMES: Readonly<Record<number, string>> = {
  [FileAttributeKey.bitrate]: 'BitRate',
  [FileAttributeKey.duration]: 'Length',
  [FileAttributeKey.vbr]: 'VariableBitRate',
  [FileAttributeKey.sampleRate]: 'SampleRate',
  [FileAttributeKey.bitDepth]: 'BitDepth',
};

function directoryFileJson(file: SharedFile): Static<typeof DirectoryFile> {
  const attributes = file.attributes.flatMap(({ key, value }) => (ATTRIBUTE_NAMES[key] === undefined ? [] : [{ type: ATTRIBUTE_NAMES[key], value }]));
  return {
    attributeCount: attributes.length,
    attributes,
    ...(file.bitDepth === undefined ? {} : { bitDepth: file.bitDepth }),
    ...(file.bitrate === undefined ? {} : { bitRate: file.bitrate }),
    code: 1,
    extension: file.extension,
    // folder listings carry bare names; a full path from a peer is cut to its name as slskd shows it
    filename: file.filename.slice(file.filename.lastIndexOf('\\') + 1),
    ...(file.vbr === undefined ? {} : { isVariableBitRate: file.vbr }),
    ...(file.duration === undefined ? {} : { length: file.duration }),
    ...(file.sampleRate === undefined ? {} : { sampleRate: file.sampleRate }),
    size: Number(file.size),
  };
}

export function directoryJson(folder: Folder): Directory {
  return { name: folder.name, fileCount: folder.files.length, files: folder.files.map(directoryFileJson) };
}

const PRESENCE = { online: 'Online', away: 'Away', offline: 'Offline' } as const;

export function userHandlers(deps: SlskdDeps): Handlers<UserRoutes> {
  const { client } = deps;
  return {
    v0UserDirectory: async ({ params, body }) => {
      const folders = await asSlskd(`the folder of ${params.username}`, () => client.folder(params.username, body.directory));
      return { status: 200, body: folders.map(directoryJson) };
    },
    v0UserBrowse: async ({ params }) => {
      const listing = await asSlskd(`the shares of ${params.username}`, () => client.browse(params.username));
      return {
        status: 200,
        body: {
          directoryCount: listing.folders.length,
          directories: listing.folders.map(directoryJson),
          lockedDirectoryCount: listing.lockedFolders.length,
          lockedDirectories: listing.lockedFolders.map(directoryJson),
        },
      };
    },
    v0UserInfo: async ({ params }) => {
      const info = await asSlskd(`the info of ${params.username}`, () => client.userInfo(params.username));
      return {
        status: 200,
        body: {
          description: info.description,
          hasFreeUploadSlot: info.slotsFree,
          hasPicture: info.picture !== undefined,
          ...(info.picture === undefined ? {} : { picture: Buffer.from(info.picture).toString('base64') }),
          queueLength: info.queueLength,
          uploadSlots: info.uploadSlots,
        },
      };
    },
    v0UserStatus: async ({ params }) => {
      const status = await asSlskd(`the status of ${params.username}`, () => client.userStatus(params.username));
      return { status: 200, body: { isPrivileged: status.privileged, presence: PRESENCE[status.status], username: params.username } };
    },
    v0UserEndpoint: async ({ params }) => {
      const address = await asSlskd(`the address of ${params.username}`, () => client.peerAddress(params.username));
      if (address.ip === '0.0.0.0') throw notFound(`${params.username} is offline`);
      return { status: 200, body: { addressFamily: 'InterNetwork', address: address.ip, port: address.port } };
    },
  };
}
