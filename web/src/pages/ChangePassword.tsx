import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, homeOf } from '../api';
import { useAuth } from '../auth';
import { passwordRules } from '../components/passwordRule';
import { useServerErrors } from '../components/serverErrors';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export default function ChangePassword() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { me, refresh } = useAuth();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const errors = useServerErrors(form);
  const [busy, setBusy] = useState(false);

  const submit = async (v: Values) => {
    setBusy(true);
    errors.clear();
    try {
      await api.auth.changePassword(v.currentPassword, v.newPassword);
      message.success(t('password.changed'));
      await refresh();
      if (me) navigate(homeOf(me), { replace: true });
    } catch (err) {
      errors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ maxWidth: 480 }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('password.title')}
      </Typography.Title>
      {me?.mustChangePassword && (
        <Alert type="warning" showIcon message={t('password.mustChange')} style={{ marginBottom: 16 }} />
      )}
      <Card variant="borderless">
        {errors.alert}
        <Form form={form} layout="vertical" onFinish={submit} name="password" disabled={busy}>
          <Form.Item
            name="currentPassword"
            label={t('password.current')}
            rules={[{ required: true, message: t('common.required', { field: t('password.current') }) }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('password.new')}
            extra={t('password.rule')}
            rules={passwordRules(t, t('password.new'))}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('password.confirm')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('common.required', { field: t('password.confirm') }) },
              ({ getFieldValue }) => ({
                validator: (_, v) =>
                  !v || v === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('password.mismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
