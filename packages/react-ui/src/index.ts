// Presentational building blocks of the WedSync and WedMe apps (DESIGN §6). They take props and never
// fetch data; @wedsync/react's hooks feed them. Styles: import '@wedsync/react-ui/styles.css' once.

export { ActivityFeed, type ActivityFeedProps, type ActivityItem } from './activity-feed.tsx';
export { AnimatedMetric, type AnimatedMetricProps } from './animated-metric.tsx';
export { findDoubleBookings, startOfWeekMs } from './calendar/week-geometry.ts';
export {
  type CalendarConflictNotice,
  type CalendarEvent,
  CalendarWeek,
  type CalendarWeekProps,
} from './calendar-week.tsx';
export {
  type ClientActivity,
  ClientList,
  type ClientListProps,
  type ClientSummary,
  clientActivity,
  sortClients,
} from './client-list.tsx';
export { type ConflictChoice, ConflictDialog, type ConflictDialogProps } from './conflict-dialog.tsx';
export {
  type ConnectionAppearance,
  type ConnectionStateName,
  type ConnectionTone,
  DEFAULT_SLOW_LATENCY_MS,
  describeConnection,
} from './connection/connection-appearance.ts';
export { ConnectionIndicator, type ConnectionIndicatorProps } from './connection-indicator.tsx';
export { ModalDialog, type ModalDialogProps } from './dialog/modal-dialog.tsx';
export { EditingWarning, type EditingWarningProps } from './editing-warning.tsx';
export { FieldGlow, type FieldGlowProps } from './field-glow.tsx';
export { FormFillStatus, type FormFillStatusProps } from './form-fill-status.tsx';
export {
  JourneyProgress,
  type JourneyProgressProps,
  type JourneyStage,
  type JourneyStageStatus,
} from './journey-progress.tsx';
export { LastUpdated, type LastUpdatedProps } from './last-updated.tsx';
export { LiveField, type LiveFieldProps, type LiveFieldType } from './live-field.tsx';
export { LiveSectionOverlay, type LiveSectionOverlayProps } from './live-section-overlay.tsx';
export { LockedField, type LockedFieldProps } from './locked-field.tsx';
export { MobileTopBar, type MobileTopBarProps } from './mobile-top-bar.tsx';
export { useReducedMotion } from './motion/use-reduced-motion.ts';
export { NotificationCenter, type NotificationCenterProps, type NotificationEntry } from './notification-center.tsx';
export { OfflineBanner, type OfflineBannerProps } from './offline-banner.tsx';
export { initialsOf, joinNames } from './presence/person-names.ts';
export { PresenceAvatars, type PresenceAvatarsProps, type PresencePerson } from './presence-avatars.tsx';
export { PullToRefresh, type PullToRefreshProps } from './pull-to-refresh.tsx';
export { ReloginPrompt, type ReloginPromptProps } from './relogin-prompt.tsx';
export { buildDiagnosticsBundle, ReportProblem, type ReportProblemProps } from './report-problem.tsx';
export { Sparkline, type SparklineProps } from './sparkline.tsx';
export { StaleValueWarning, type StaleValueWarningProps } from './stale-value-warning.tsx';
export {
  SyncDashboard,
  type SyncDashboardProps,
  type SyncMetricsSample,
  type SyncMetricsSnapshot,
} from './sync-dashboard.tsx';
export { SyncHistory, type SyncHistoryPoint, type SyncHistoryProps } from './sync-history.tsx';
export { type SyncProgress, SyncProgressBar } from './sync-progress-bar.tsx';
export { type SyncSettings, SyncSettingsPanel, type SyncSettingsPanelProps } from './sync-settings-panel.tsx';
export { type ChatMessage, TeamChat, type TeamChatProps } from './team-chat.tsx';
export { formatClockTime, formatCountdown, formatRelativeTime, timeGroupOf } from './time/relative-time.ts';
export { useNow } from './time/use-now.ts';
export {
  DEFAULT_TOAST_DURATION_MS,
  type FieldChangeDescription,
  formatChangeMessage,
  formatFieldValue,
  type ToastImportance,
  type ToastItem,
  type ToastTone,
} from './toast/toast-model.ts';
export { type ToastQueue, useToastQueue } from './toast/use-toast-queue.ts';
export { Toast, ToastStack, type ToastStackProps } from './toast-stack.tsx';
export { TypingIndicator } from './typing-indicator.tsx';
export { type VersionEntry, VersionHistoryPanel, type VersionHistoryPanelProps } from './version-history-panel.tsx';
export { useVirtualRows, type VirtualRows } from './virtual/use-virtual-rows.ts';
