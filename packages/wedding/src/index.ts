/**
 * @wedsync/wedding — the WedSync model (DESIGN §3, §6): collections and field kinds, the Directory
 * read model, rights for every R2.1 topic, per-audience projection, core-field propagation, activity
 * text, live metrics, client status, and the seeded world. The engine never imports this package.
 */
export * from './activity/activity-event.ts';
export * from './activity/activity-text.ts';
export * from './activity/describe-change.ts';
export * from './actors/actor-label.ts';
export * from './collections/define-collection.ts';
export * from './collections/feed-collections.ts';
export * from './collections/form-collections.ts';
export * from './collections/journey-collections.ts';
export * from './collections/people-collections.ts';
export * from './collections/wedding-collections.ts';
export * from './collections/wedding-schemas.ts';
export * from './collections/work-collections.ts';
export * from './directory/directory.ts';
export * from './directory/directory-follower.ts';
export * from './directory/log-source.ts';
export * from './directory/record-index.ts';
export * from './hooks/realtime-hooks.ts';
export * from './hooks/record-sync-hooks.ts';
export * from './metrics/client-status.ts';
export * from './metrics/form-completion.ts';
export * from './metrics/supplier-metrics.ts';
export * from './notifications/bell-records.ts';
export * from './notifications/meeting-reminders.ts';
export * from './notifications/mentions.ts';
export * from './notifications/notification-triggers.ts';
export * from './notifications/trigger-source.ts';
export * from './notifications/user-topic-rights.ts';
export * from './notifications/wedding-notification.ts';
export * from './projection/record-projection.ts';
export * from './projection/sharing-effects.ts';
export * from './propagation/core-field-propagation.ts';
export * from './rights/audience.ts';
export * from './rights/join-rights.ts';
export * from './rights/record-rules.ts';
export * from './rights/topic-contents.ts';
export * from './rights/user-topics.ts';
export * from './rights/visibility.ts';
export * from './rights/write-rights.ts';
export * from './seed/seed-builder.ts';
export * from './seed/seed-people.ts';
export { SEED_FORMS, SEED_JOURNEY } from './seed/seed-setup.ts';
export * from './seed/seed-world.ts';
export * from './wedding-model.ts';
export * from './calendar/conflict-notices.ts';
export * from './calendar/meeting-conflicts.ts';
export * from './calendar/meeting-reminders.ts';
export * from './journeys/due-work-store.ts';
export * from './journeys/email-tracking.ts';
export * from './journeys/journey-actions.ts';
export * from './journeys/journey-mailer.ts';
export * from './journeys/journey-plan.ts';
export * from './journeys/journey-runner.ts';
export * from './journeys/journey-scheduler.ts';
export * from './journeys/record-writer.ts';
