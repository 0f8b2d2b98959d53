import { EditOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Drawer, Empty, Form, Result, Row, Space, Spin, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Enterprise, errorText, type HistoryItem } from '../api';
import { useAuth } from '../auth';
import {
  ContactsTable,
  EnterpriseDescriptions,
  HistoryTimeline,
  PendingChangeTable,
} from '../components/EnterpriseView';
import { changeBody, FilingFields, type FilingFormValues, filingBody, valuesOf } from '../components/FilingFields';
import { StatusTag } from '../components/StatusTag';
import { useServerErrors } from '../components/serverErrors';
import { CreditLevelTag, type CreditStanding, creditApi } from './Credit';

type Editing = 'change' | 'resubmit' | null;

function EditDrawer({
  mode,
  enterprise,
  onClose,
  onDone,
}: {
  mode: Editing;
  enterprise: Enterprise;
  onClose: () => void;
  onDone: (e: Enterprise) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FilingFormValues>();
  const errors = useServerErrors(form);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (mode) {
      form.resetFields();
      form.setFieldsValue(valuesOf(enterprise));
      errors.clear();
    }
  }, [mode, enterprise, form, errors.clear]);

  const submit = async (v: FilingFormValues) => {
    setBusy(true);
    errors.clear();
    try {
      let e: Enterprise;
      if (mode === 'change') {
        const body = changeBody(v, enterprise);
        if (Object.keys(body).length === 0) {
          message.warning(t('portal.noChanges'));
          return;
        }
        e = await api.enterprises.requestChange(enterprise.uscc, body);
        message.success(t('portal.changeSubmitted'));
      } else {
        const { uscc: _uscc, ...body } = filingBody(v);
        e = await api.enterprises.resubmit(enterprise.uscc, body);
        message.success(t('portal.resubmitted'));
      }
      onDone(e);
    } catch (err) {
      errors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={mode !== null}
      onClose={onClose}
      width={880}
      title={mode === 'change' ? t('portal.changeTitle') : t('portal.resubmitTitle')}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()} icon={<SendOutlined />}>
            {t('common.submit')}
          </Button>
        </Space>
      }
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message={mode === 'change' ? t('portal.changeHint') : t('portal.resubmitHint')}
      />
      {errors.alert}
      {mode && (
        <Form<FilingFormValues> form={form} name={mode} layout="vertical" onFinish={submit} disabled={busy}>
          <FilingFields mode={mode} />
        </Form>
      )}
    </Drawer>
  );
}

export default function Portal() {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const uscc = me?.enterpriseUscc ?? null;
  const [enterprise, setEnterprise] = useState<Enterprise | null>(null);
  const [history, setHistory] = useState<HistoryItem[]>([]);
  const [credit, setCredit] = useState<CreditStanding | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [editing, setEditing] = useState<Editing>(null);

  const load = useCallback(async () => {
    if (!uscc) return;
    setLoading(true);
    setError(null);
    try {
      const [e, h, c] = await Promise.all([
        api.enterprises.get(uscc),
        api.enterprises.history(uscc),
        // the customs credit level is shown when available; the filing page works without it
        creditApi.standing(uscc).catch(() => null),
      ]);
      setEnterprise(e);
      setHistory(h);
      setCredit(c);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [uscc]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!uscc) return <Result status="info" title={t('portal.noEnterprise')} />;
  if (loading && !enterprise) {
    return (
      <div style={{ padding: 64, textAlign: 'center' }}>
        <Spin />
      </div>
    );
  }
  if (error && !enterprise) {
    return <Alert type="error" showIcon message={errorText(error, i18n.language)} />;
  }
  if (!enterprise) return <Empty />;

  const isAdmin = me?.role === 'enterprise_admin';
  const e = enterprise;
  const statusAlert = (() => {
    switch (e.status) {
      case 'submitted':
        return <Alert type="info" showIcon message={t('portal.submittedAlert')} />;
      case 'change_requested':
        return <Alert type="info" showIcon message={t('portal.pendingAlert')} />;
      case 'rejected':
        return <Alert type="error" showIcon message={t('portal.rejectedAlert')} description={e.statusReason} />;
      case 'suspended':
        return <Alert type="warning" showIcon message={t('portal.suspendedAlert')} description={e.statusReason} />;
      case 'revoked':
        return <Alert type="error" showIcon message={t('portal.revokedAlert')} description={e.statusReason} />;
      default:
        return null;
    }
  })();

  return (
    <div style={{ maxWidth: 1200 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 16, flexWrap: 'wrap' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {e.nameCn}
        </Typography.Title>
        <span data-testid="portal-status">
          <StatusTag status={e.status} />
        </span>
        {credit && (
          <span data-testid="portal-credit" data-level={credit.level}>
            <Typography.Text type="secondary" style={{ marginInlineEnd: 6 }}>
              {t('credit.myLevel')}
            </Typography.Text>
            <CreditLevelTag level={credit.level} decree={credit.decree} />
          </span>
        )}
        <div style={{ flex: 1 }} />
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => void load()} loading={loading}>
            {t('common.refresh')}
          </Button>
          {e.status === 'approved' && isAdmin && (
            <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing('change')}>
              {t('portal.requestChange')}
            </Button>
          )}
          {e.status === 'rejected' && isAdmin && (
            <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing('resubmit')}>
              {t('portal.resubmit')}
            </Button>
          )}
        </Space>
      </div>
      {statusAlert && <div style={{ marginBottom: 16 }}>{statusAlert}</div>}
      {e.pendingChange && (
        <Card variant="borderless" title={t('portal.pendingChange')} style={{ marginBottom: 16 }}>
          <PendingChangeTable e={e} />
        </Card>
      )}
      <Card variant="borderless" title={t('portal.fields')} style={{ marginBottom: 16 }}>
        <EnterpriseDescriptions e={e} />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card variant="borderless" title={t('filing.sectionContacts')} style={{ height: '100%' }}>
            <ContactsTable contacts={e.contacts} />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card variant="borderless" title={t('portal.history')} style={{ height: '100%' }}>
            <HistoryTimeline items={history} />
          </Card>
        </Col>
      </Row>
      <EditDrawer
        mode={editing}
        enterprise={e}
        onClose={() => setEditing(null)}
        onDone={(next) => {
          setEnterprise(next);
          setEditing(null);
          void load();
        }}
      />
    </div>
  );
}
