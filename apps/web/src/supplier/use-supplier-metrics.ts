import { useSupplierScope } from './supplier-context.tsx';
import { useServerJson } from './use-server-json.ts';

/** GET /api/suppliers/:id/metrics (the wedding package's SupplierMetricsSnapshot, R6.2). */
export interface SupplierMetrics {
  activeClients: number;
  formsCompletedToday: number;
  /** Paid revenue per ISO currency, in cents. */
  revenueCents: Record<string, number>;
  teamActivityToday: number;
  averageResponseTimeMs: number | null;
}

/** Team activity counts any change by the team, so nearly every collection can move a figure. */
const METRIC_COLLECTIONS = [
  'payments',
  'form_assignments',
  'form_answers',
  'messages',
  'connections',
  'weddings',
  'tasks',
  'meetings',
  'notes',
  'team_chat',
  'journey_runs',
];

/** The supplier's live metrics from the server, refetched after each burst of changes (R6.2). */
export function useSupplierMetrics(): { metrics: SupplierMetrics | null; error: string | null } {
  const scope = useSupplierScope();
  const answer = useServerJson<{ metrics: SupplierMetrics }>(`/api/suppliers/${scope.supplierId}/metrics`, {
    token: scope.token,
    refreshOn: METRIC_COLLECTIONS,
    debounceMs: 400,
  });
  return { metrics: answer.data?.metrics ?? null, error: answer.error };
}

/** "£1,700" for the largest currency of a revenue map (cents); "£0" when there is none. */
export function mainCurrency(revenueCents: Record<string, number>): { currency: string; cents: number } {
  const entries = Object.entries(revenueCents).sort((a, b) => b[1] - a[1]);
  const [currency, cents] = entries[0] ?? ['GBP', 0];
  return { currency, cents };
}

export function formatMoney(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency, maximumFractionDigits: 0 }).format(
      cents / 100,
    );
  } catch {
    return `${Math.round(cents / 100)} ${currency}`;
  }
}

/** "12 min", "3 h 5 min", "—" for no replies yet. */
export function formatDurationMs(ms: number | null): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}
