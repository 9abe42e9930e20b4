import { useId, useState, type FormEvent } from 'react';
import { unwrap } from '../../api/errors';
import { client } from '../../api/session';
import { ErrorNotice } from '../../components/error-notice';
import { pageFor } from '../../components/only-for';
import { EmptyRow, ListTable, QueryView } from '../../components/table';
import { usePanelMutation, useSeatPools, type SeatPool } from '../members/members-api';

/**
 * `/seats` (Admins and Billing): every product's seat pool — its limit, the seats assigned and
 * those free — with the limit changed in place, and a pool added for a new product. Roster keeps
 * a limit from going below the seats assigned and says so with the numbers.
 */
export const SeatsPage = pageFor(['admin', 'billing'], 'Seats are managed by Admins and Billing.', SeatPools);

function useSetLimit() {
  return usePanelMutation(({ product, limit }: { product: string; limit: number }) =>
    unwrap(client.PUT('/api/v1/seats/{product}', { params: { path: { product } }, body: { limit } })),
  );
}

function SeatPools() {
  const pools = useSeatPools();
  const setLimit = useSetLimit();
  const [problem, setProblem] = useState<unknown>(null);
  const save = (product: string, limit: number) =>
    setLimit.mutateAsync({ product, limit }).then(
      () => setProblem(null),
      (error: unknown) => {
        setProblem(error);
        throw error;
      },
    );
  return (
    <>
      <h1>Seats</h1>
      <p className="hint">Each product has a pool of seats. A member uses one seat of a product; give and take them back on the Members page.</p>
      {problem !== null && <ErrorNotice error={problem} />}
      <QueryView query={pools} loading="Loading the seat pools">
        {(list) => (
          <>
            <ListTable caption="Seat pools" labels={['Product', 'Assigned', 'Available', 'Limit']}>
              {list.length === 0 && <EmptyRow columns={4}>No seat pool yet: add one below.</EmptyRow>}
              {list.map((pool) => (
                <PoolRow key={`${pool.product}:${pool.limit}`} pool={pool} onSave={(limit) => save(pool.product, limit)} />
              ))}
            </ListTable>
            <NewPool onAdd={save} />
          </>
        )}
      </QueryView>
    </>
  );
}

function PoolRow({ pool, onSave }: { pool: SeatPool; onSave(limit: number): Promise<void> }) {
  const [limit, setLimit] = useState(String(pool.limit));
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void onSave(Number(limit)).catch(() => undefined);
  };
  return (
    <tr>
      <th scope="row">{pool.product}</th>
      <td>{pool.assigned}</td>
      <td>{pool.available}</td>
      <td>
        <form className="inline-form" onSubmit={submit}>
          <label htmlFor={id} className="visually-hidden">
            {pool.product} seat limit
          </label>
          <input id={id} type="number" min={0} step={1} required value={limit} onChange={(event) => setLimit(event.target.value)} className="number-input" />
          <button
            type="submit"
            className="button-secondary button-small"
            disabled={limit === String(pool.limit)}
            aria-label={`Save the ${pool.product} seat limit`}
          >
            Save
          </button>
        </form>
      </td>
    </tr>
  );
}

function NewPool({ onAdd }: { onAdd(product: string, limit: number): Promise<void> }) {
  const [product, setProduct] = useState('');
  const [limit, setLimit] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onAdd(product.trim(), Number(limit)).then(
      () => {
        setProduct('');
        setLimit('');
      },
      () => undefined,
    );
  };
  return (
    <form className="inline-form panel" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Add a product</h2>
      <label htmlFor={`${id}-product`}>Product</label>
      <input id={`${id}-product`} required value={product} onChange={(event) => setProduct(event.target.value)} aria-describedby={`${id}-hint`} />
      <label htmlFor={`${id}-limit`}>Seats</label>
      <input
        id={`${id}-limit`}
        type="number"
        min={0}
        step={1}
        required
        value={limit}
        onChange={(event) => setLimit(event.target.value)}
        className="number-input"
      />
      <button type="submit">Add product</button>
      <p id={`${id}-hint`} className="hint">
        Lower-case letters, digits, “-” and “_”, as your products are named where seats are checked (chat, video…).
      </p>
    </form>
  );
}
