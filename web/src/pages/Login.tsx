import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { errorText, homeOf, type Me } from '../api';
import { useAuth } from '../auth';

function safeNext(next: string | null): string | null {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : null;
}

export default function Login() {
  const { t, i18n } = useTranslation();
  const { me, login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const officer = params.get('as') === 'officer';
  const next = safeNext(params.get('next'));

  const target = (user: Me) => (user.mustChangePassword ? '/account/password' : (next ?? homeOf(user)));

  if (me) return <Navigate to={target(me)} replace />;

  const onFinish = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const user = await login(v.username.trim(), v.password);
      navigate(target(user), { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ display: 'flex', justifyContent: 'center', padding: '64px 16px' }}>
      <Card style={{ width: 400, boxShadow: '0 6px 24px rgba(16,24,40,0.08)' }} variant="borderless">
        <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
          {officer ? t('login.officerTitle') : t('login.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        {error ? (
          <Alert
            type="error"
            showIcon
            message={t('login.failed')}
            description={errorText(error, i18n.language)}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        ) : null}
        <Form layout="vertical" name="login" onFinish={onFinish} requiredMark={false} disabled={busy}>
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[
              { required: true, whitespace: true, message: t('common.required', { field: t('login.username') }) },
            ]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('common.required', { field: t('login.password') }) }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
        {!officer && (
          <div style={{ marginTop: 20, textAlign: 'center', color: '#667085' }}>
            {t('login.noAccount')} <Link to="/apply">{t('login.applyLink')}</Link>
          </div>
        )}
      </Card>
    </div>
  );
}
