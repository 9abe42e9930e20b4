import { ErrorNotice, useProblem } from '../../components/error-notice';
import { SwitchRow } from '../../components/switch-row';
import { QueryView } from '../../components/table';
import { useSeatPools, useToggleSeat } from '../members/members-api';
import type { TabProps } from './member-details-api';

/**
 * Subscriptions: one seat pool a row, with what is free in it. An Admin switches the member's
 * seat on or off; when Roster refuses (no seat left) its numbers are shown above the pools.
 */
export function SubscriptionsTab({ member, canManage }: TabProps) {
  const pools = useSeatPools();
  const toggleSeat = useToggleSeat();
  const { problem, report } = useProblem();
  return (
    <section className="panel" aria-labelledby="subscriptions-heading">
      <h2 id="subscriptions-heading">Subscriptions</h2>
      {problem !== null && <ErrorNotice error={problem} />}
      <QueryView query={pools} loading="Loading the seat pools">
        {(list) =>
          list.length === 0 ? (
            <p>This Organization has no seat pools yet.</p>
          ) : canManage ? (
            list.map((pool) => (
              <SwitchRow
                key={pool.product}
                label={`${pool.product} seat`}
                hint={`${pool.available} available (${pool.assigned} of ${pool.limit} assigned)`}
                checked={member.seats.includes(pool.product)}
                disabled={toggleSeat.isPending}
                onChange={(on) => toggleSeat.mutate({ id: member.id, product: pool.product, on }, report)}
              />
            ))
          ) : (
            <dl className="facts facts-wide">
              {list.map((pool) => (
                <div key={pool.product}>
                  <dt>{pool.product} seat</dt>
                  <dd>
                    {member.seats.includes(pool.product) ? 'Assigned' : 'None'}{' '}
                    <span className="muted">
                      · {pool.available} available ({pool.assigned} of {pool.limit} assigned)
                    </span>
                  </dd>
                </div>
              ))}
            </dl>
          )
        }
      </QueryView>
    </section>
  );
}
