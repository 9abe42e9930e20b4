/** Product seat pools. */

export interface SeatPool {
  organizationId: string;
  product: string;
  limit: number;
  assigned: number;
  available: number;
}
