/** The renderer's one import point for the shared contract's types (defined once, in src-shared). */
export type {
  CommandInput,
  CommandName,
  CommandOutput,
  EncryptionMode,
  EventName,
  EventPayload,
  FileInfo,
  FilePriority,
  AltSpeedSchedule,
  Category,
  GeneralInfo,
  GlobalStats,
  LogEntry,
  NoticeKind,
  PeerInfo,
  PiecesInfo,
  QueueSettings,
  ReadCacheFigures,
  Settings,
  ShareLimitAction,
  ShareLimits,
  SpeedHistory,
  SpeedLimit,
  SpeedSpan,
  ShoalApi,
  SubscriptionTab,
  Theme,
  TorrentOptions,
  TorrentPreview,
  TorrentState,
  TorrentSummary,
  TrackerInfo,
  TransferStats,
  TransferTotals,
} from '../../../src-shared/contract';
import type { SubscriptionTab } from '../../../src-shared/contract';

/** The detail panel's tabs: the engine's detail tabs, and Speed, which asks for its graph itself. */
export type DetailTab = SubscriptionTab | 'speed';
export { limits } from '../../../src-shared/contract/limits';
export { absolutePathSchema, defaultLimitSettings, defaultTorrentOptions, labelNameSchema, trackerTiersSchema } from '../../../src-shared/contract/data';
export { commands } from '../../../src-shared/contract/commands';
