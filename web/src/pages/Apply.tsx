import { Button, Card, Form, Result, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, type Enterprise } from '../api';
import { FilingFields, type FilingFormValues, filingBody } from '../components/FilingFields';
import { StatusTag } from '../components/StatusTag';
import { useServerErrors } from '../components/serverErrors';
import { useLabel } from '../i18n';

export default function Apply() {
  const { t } = useTranslation();
  const label = useLabel();
  const [form] = Form.useForm<FilingFormValues>();
  const errors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Enterprise | null>(null);

  const onFinish = async (v: FilingFormValues) => {
    setBusy(true);
    errors.clear();
    try {
      const account = v.account ?? {};
      const displayName = account.displayName?.trim();
      const enterprise = await api.enterprises.file({
        ...filingBody(v),
        account: {
          username: (account.username ?? '').trim(),
          password: account.password ?? '',
          ...(displayName ? { displayName } : {}),
        },
      });
      setDone(enterprise);
      window.scrollTo({ top: 0 });
    } catch (e) {
      errors.show(e);
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <div style={{ maxWidth: 760, margin: '48px auto', padding: '0 16px' }}>
        <Card variant="borderless">
          <Result
            status="success"
            title={t('filing.successTitle')}
            subTitle={t('filing.successSub', {
              name: done.nameCn,
              uscc: done.uscc,
              status: label('status', done.status),
            })}
            extra={[
              <Link key="login" to="/login">
                <Button type="primary">{t('filing.goLogin')}</Button>
              </Link>,
              <Button
                key="again"
                onClick={() => {
                  form.resetFields();
                  setDone(null);
                }}
              >
                {t('filing.another')}
              </Button>,
            ]}
          >
            <div style={{ textAlign: 'center' }} data-testid="filing-result">
              <Typography.Text type="secondary">{t('portal.status')}：</Typography.Text>
              <StatusTag status={done.status} />
            </div>
          </Result>
        </Card>
      </div>
    );
  }

  return (
    <div style={{ maxWidth: 1000, margin: '0 auto', padding: '32px 16px' }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('filing.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 760 }}>
        {t('filing.intro')}
      </Typography.Paragraph>
      <Card variant="borderless" style={{ boxShadow: '0 1px 3px rgba(16,24,40,0.06)' }}>
        {errors.alert}
        <Form<FilingFormValues>
          form={form}
          name="filing"
          layout="vertical"
          onFinish={onFinish}
          initialValues={{ contacts: [{}], roles: [] }}
          scrollToFirstError={{ block: 'center', behavior: 'smooth' }}
          disabled={busy}
        >
          <FilingFields mode="apply" />
          <div style={{ display: 'flex', justifyContent: 'flex-end', gap: 12, marginTop: 8 }}>
            <Link to="/">
              <Button>{t('common.cancel')}</Button>
            </Link>
            <Button type="primary" htmlType="submit" loading={busy} size="large" data-testid="filing-submit">
              {busy ? t('filing.submitting') : t('filing.submit')}
            </Button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
