import { useId } from 'react';

/** The user's sync preferences on this device (R13.1, R13.2). */
export interface SyncSettings {
  /** On cellular: 'full' keeps every update live, 'reduced' batches non-critical updates. */
  cellularMode: 'full' | 'reduced';
  dataSaver: boolean;
  pauseOnLowBattery: boolean;
  /** Share presence ("who is viewing") with others (R14.2). */
  sharePresence: boolean;
}

export interface SyncSettingsPanelProps {
  settings: SyncSettings;
  onChange: (settings: SyncSettings) => void;
  onClose?: () => void;
}

/** Sync settings (R13.2): cellular mode, data saver, low-battery pause, presence sharing. */
export function SyncSettingsPanel({ settings, onChange, onClose }: SyncSettingsPanelProps) {
  const baseId = useId();
  const toggle = (key: 'dataSaver' | 'pauseOnLowBattery' | 'sharePresence', label: string, hint: string) => (
    <div className="ws-setting">
      <input
        id={`${baseId}-${key}`}
        type="checkbox"
        className="ws-switch"
        checked={settings[key]}
        aria-describedby={`${baseId}-${key}-hint`}
        onChange={(event) => onChange({ ...settings, [key]: event.target.checked })}
      />
      <label htmlFor={`${baseId}-${key}`}>{label}</label>
      <p id={`${baseId}-${key}-hint`} className="ws-muted ws-setting__hint">
        {hint}
      </p>
    </div>
  );
  return (
    <section className="ws-sync-settings" aria-label="Sync settings">
      <div className="ws-popover__header">
        <h2 className="ws-section-title">Sync settings</h2>
        {onClose ? (
          <button type="button" className="ws-icon-button" aria-label="Close sync settings" onClick={onClose}>
            ×
          </button>
        ) : null}
      </div>
      <fieldset className="ws-fieldset">
        <legend>On mobile data</legend>
        {(['full', 'reduced'] as const).map((mode) => (
          <div key={mode} className="ws-setting">
            <input
              id={`${baseId}-cell-${mode}`}
              type="radio"
              name={`${baseId}-cellular`}
              checked={settings.cellularMode === mode}
              onChange={() => onChange({ ...settings, cellularMode: mode })}
            />
            <label htmlFor={`${baseId}-cell-${mode}`}>
              {mode === 'full' ? 'Live updates' : 'Reduced updates (save data)'}
            </label>
          </div>
        ))}
      </fieldset>
      {toggle('dataSaver', 'Data saver', 'Fewer background updates and smaller images.')}
      {toggle('pauseOnLowBattery', 'Pause sync on low battery', 'Critical notifications still arrive.')}
      {toggle('sharePresence', 'Show others when I am here', 'Turn off to hide your presence and cursor.')}
    </section>
  );
}
