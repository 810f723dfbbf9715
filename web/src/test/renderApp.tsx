import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router';
import { AppRoutes } from '../AppRoutes';
import { Providers } from '../Providers';
import { createQueryClient } from '../queryClient';

/** Shows the router's current location so tests can assert where navigation went. */
function LocationProbe() {
  const location = useLocation();
  return (
    <output data-testid="location" hidden>
      {`${location.pathname}${location.search}`}
    </output>
  );
}

/** Renders the whole app at `path` with a fresh data cache, as a person arriving at that URL. */
export function renderApp(path: string) {
  const user = userEvent.setup();
  const queryClient = createQueryClient({ retryDelayMs: 0 });
  const result = render(
    <Providers queryClient={queryClient} env="test">
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
        <LocationProbe />
      </MemoryRouter>
    </Providers>,
  );
  return { ...result, user, queryClient };
}
