import { Button, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router-dom';
import { homeOf, type UserRole } from '../api';
import { useAuth } from '../auth';

/** Renders children only for a signed-in user of one of the roles (any role when omitted). */
export function RequireRole({ roles, children }: { roles?: readonly UserRole[]; children: ReactNode }) {
  const { me } = useAuth();
  const { t } = useTranslation();
  const location = useLocation();
  if (me === undefined) {
    return (
      <div style={{ padding: 64, textAlign: 'center' }}>
        <Spin />
      </div>
    );
  }
  if (me === null) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (me.mustChangePassword && location.pathname !== '/account/password') {
    return <Navigate to="/account/password" replace />;
  }
  if (roles && !roles.includes(me.role)) {
    return (
      <Result
        status="403"
        title="403"
        subTitle={t('common.forbidden')}
        extra={
          <Link to={homeOf(me)}>
            <Button type="primary">{t('common.back')}</Button>
          </Link>
        }
      />
    );
  }
  return <>{children}</>;
}
