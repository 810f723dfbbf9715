import { Route, Routes } from 'react-router';
import { GuestOnly } from './features/auth/components/GuestOnly';
import { LoginPage } from './features/auth/components/LoginPage';
import { LogoutPage } from './features/auth/components/LogoutPage';
import { RegisterPage } from './features/auth/components/RegisterPage';
import { RequireAdmin } from './features/auth/components/RequireAdmin';
import { RequireAuth } from './features/auth/components/RequireAuth';
import { DashboardPage } from './features/dashboard/components/DashboardPage';
import { ProfilePage } from './features/profile/components/ProfilePage';
import { AppLayout } from './features/shell/components/AppLayout';
import { NotFoundPage } from './features/shell/components/NotFoundPage';
import { UsersPage } from './features/users/components/UsersPage';

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
          <Route index element={<DashboardPage />} />
          <Route path="profile" element={<ProfilePage />} />
          <Route element={<RequireAdmin />}>
            <Route path="users" element={<UsersPage />} />
          </Route>
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
