import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Route, Routes } from 'react-router';
import { FullPageLoader } from './components/ui/FullPageLoader';
import { GuestOnly } from './features/auth/components/GuestOnly';
import { LoginPage } from './features/auth/components/LoginPage';
import { LogoutPage } from './features/auth/components/LogoutPage';
import { RegisterPage } from './features/auth/components/RegisterPage';
import { RequireAdmin } from './features/auth/components/RequireAdmin';
import { RequireAuth } from './features/auth/components/RequireAuth';
import { AppLayout } from './features/shell/components/AppLayout';
import { NotFoundPage } from './features/shell/components/NotFoundPage';

/** A page loaded when first visited, so the sign-in page does not carry the editor and the rest. */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K): ReactNode {
  const Page = lazy(() => load().then((module) => ({ default: module[name] as ComponentType })));
  return (
    <Suspense fallback={<FullPageLoader />}>
      <Page />
    </Suspense>
  );
}

const applications = page(() => import('./features/apps/components/ApplicationsPage'), 'ApplicationsPage');
const importApplication = page(() => import('./features/apps/import/ImportPage'), 'ImportPage');
const detail = page(() => import('./features/apps/components/DetailPage'), 'DetailPage');
const review = page(() => import('./features/apps/components/ReviewPage'), 'ReviewPage');
const newApplication = page(() => import('./features/apps/editor/EditorPage'), 'NewApplicationPage');
const editApplication = page(() => import('./features/apps/editor/EditorPage'), 'EditApplicationPage');
const clusters = page(() => import('./features/clusters/components/ClustersPage'), 'ClustersPage');
const profile = page(() => import('./features/profile/components/ProfilePage'), 'ProfilePage');
const users = page(() => import('./features/users/components/UsersPage'), 'UsersPage');
const audit = page(() => import('./features/audit/components/AuditPage'), 'AuditPage');

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<GuestOnly />}>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/register" element={<RegisterPage />} />
      </Route>
      <Route path="/logout" element={<LogoutPage />} />
      <Route element={<RequireAuth />}>
        <Route element={<AppLayout />}>
          <Route index element={applications} />
          <Route path="apps/new" element={newApplication} />
          <Route path="apps/import" element={importApplication} />
          <Route path="apps/:id" element={detail} />
          <Route path="apps/:id/edit" element={editApplication} />
          <Route path="apps/:id/review" element={review} />
          <Route path="clusters" element={clusters} />
          <Route path="profile" element={profile} />
          <Route element={<RequireAdmin />}>
            <Route path="users" element={users} />
            <Route path="audit" element={audit} />
          </Route>
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
