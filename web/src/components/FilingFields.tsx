import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Col, Form, Input, Row, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type ChangeRequestInput,
  type Contact,
  ENTERPRISE_ROLES,
  type Enterprise,
  type EnterpriseRole,
  type FilingInput,
} from '../api';
import { CODE_TRIGGERS, codeRules } from '../codes';
import { passwordRules } from './passwordRule';

/** The form's values: the filing body plus form-only fields. */
export interface FilingFormValues {
  uscc?: string;
  customsCode?: string;
  nameCn?: string;
  nameEn?: string;
  legalRepresentative?: { name?: string; idNumber?: string };
  registeredAddress?: string;
  regionCode?: string;
  contacts?: { name?: string; phone?: string; email?: string }[];
  dxpId?: string;
  roles?: EnterpriseRole[];
  editContacts?: boolean;
  account?: { username?: string; password?: string; confirm?: string; displayName?: string };
}

export type FilingMode = 'apply' | 'resubmit' | 'change';

const monoStyle = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };
const upper = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : v);

function Section({ title, extra, children }: { title: string; extra?: ReactNode; children: ReactNode }) {
  return (
    <div style={{ marginBottom: 8 }}>
      <div style={{ display: 'flex', alignItems: 'baseline', gap: 12, margin: '8px 0 12px' }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {extra}
      </div>
      {children}
    </div>
  );
}

function ContactsList({ required }: { required: boolean }) {
  const { t } = useTranslation();
  return (
    <Form.List name="contacts">
      {(fields, { add, remove }, { errors }) => (
        <>
          {fields.map((field, i) => (
            <Row gutter={16} key={field.key} align="top">
              <Col xs={24} md={6}>
                <Form.Item
                  name={[field.name, 'name']}
                  label={i === 0 ? t('filing.contactName') : undefined}
                  rules={
                    required
                      ? [
                          {
                            required: true,
                            whitespace: true,
                            message: t('common.required', { field: t('filing.contactName') }),
                          },
                        ]
                      : []
                  }
                >
                  <Input maxLength={50} placeholder={t('filing.contactN', { n: i + 1 })} />
                </Form.Item>
              </Col>
              <Col xs={24} md={7}>
                <Form.Item
                  name={[field.name, 'phone']}
                  label={i === 0 ? t('filing.contactPhone') : undefined}
                  validateTrigger={CODE_TRIGGERS}
                  rules={[
                    ...(required
                      ? [
                          {
                            required: true,
                            whitespace: true,
                            message: t('common.required', { field: t('filing.contactPhone') }),
                          },
                        ]
                      : []),
                    ...codeRules('phone'),
                  ]}
                >
                  <Input maxLength={30} inputMode="tel" placeholder={t('filing.contactPhone')} />
                </Form.Item>
              </Col>
              <Col xs={20} md={9}>
                <Form.Item
                  name={[field.name, 'email']}
                  label={i === 0 ? `${t('filing.contactEmail')}（${t('common.optional')}）` : undefined}
                  rules={[{ type: 'email', message: t('filing.emailFormat') }]}
                >
                  <Input maxLength={100} placeholder={t('filing.contactEmail')} />
                </Form.Item>
              </Col>
              <Col xs={4} md={2} style={{ paddingTop: i === 0 ? 30 : 0 }}>
                {fields.length > 1 && (
                  <Button
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    onClick={() => remove(field.name)}
                    aria-label={t('filing.removeContact')}
                  />
                )}
              </Col>
            </Row>
          ))}
          <Form.ErrorList errors={errors} />
          {fields.length < 5 && (
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} style={{ marginBottom: 16 }}>
              {t('filing.addContact')}
            </Button>
          )}
        </>
      )}
    </Form.List>
  );
}

/** The fields of an enterprise filing, shared by the application, the resubmission and the change request. */
export function FilingFields({ mode }: { mode: FilingMode }) {
  const { t } = useTranslation();
  const strict = mode !== 'change';
  const req = (field: string) =>
    strict ? [{ required: true, whitespace: true, message: t('common.required', { field }) }] : [];
  const opt = (label: string) => `${label}（${t('common.optional')}）`;

  return (
    <>
      <Section title={t('filing.sectionEnterprise')}>
        <Row gutter={16}>
          {mode !== 'change' && (
            <Col xs={24} md={12}>
              <Form.Item
                name="uscc"
                label={t('filing.uscc')}
                normalize={upper}
                validateFirst
                validateTrigger={CODE_TRIGGERS}
                rules={[...req(t('filing.uscc')), ...codeRules('uscc')]}
              >
                <Input
                  maxLength={18}
                  placeholder={t('filing.usccPlaceholder')}
                  disabled={mode === 'resubmit'}
                  style={monoStyle}
                  autoComplete="off"
                />
              </Form.Item>
            </Col>
          )}
          <Col xs={24} md={12}>
            <Form.Item
              name="customsCode"
              label={opt(t('filing.customsCode'))}
              normalize={upper}
              validateTrigger={CODE_TRIGGERS}
              rules={codeRules('customsCode')}
            >
              <Input maxLength={10} placeholder={t('filing.customsCodePlaceholder')} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="nameCn"
              label={t('filing.nameCn')}
              rules={[...req(t('filing.nameCn')), { min: 2, message: t('filing.nameCnMin') }]}
            >
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="nameEn" label={opt(t('filing.nameEn'))}>
              <Input maxLength={300} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item
              name="registeredAddress"
              label={t('filing.registeredAddress')}
              rules={[...req(t('filing.registeredAddress')), { min: 5, message: t('filing.addressMin') }]}
            >
              <Input maxLength={300} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="regionCode"
              label={t('filing.regionCode')}
              validateFirst
              validateTrigger={CODE_TRIGGERS}
              rules={[...req(t('filing.regionCode')), ...codeRules('regionCode')]}
            >
              <Input maxLength={6} inputMode="numeric" placeholder={t('filing.regionCodePlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="dxpId"
              label={opt(t('filing.dxpId'))}
              tooltip={t('filing.dxpIdHint')}
              normalize={upper}
              rules={[{ pattern: /^DXP[A-Z0-9]{3,27}$/, message: t('filing.dxpIdFormat') }]}
            >
              <Input maxLength={30} autoComplete="off" placeholder={t('filing.dxpIdPlaceholder')} />
            </Form.Item>
          </Col>
        </Row>
      </Section>

      <Section title={t('filing.sectionLegal')}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              name={['legalRepresentative', 'name']}
              label={t('filing.legalName')}
              rules={req(t('filing.legalName'))}
            >
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name={['legalRepresentative', 'idNumber']}
              label={opt(t('filing.legalId'))}
              normalize={upper}
              validateTrigger={CODE_TRIGGERS}
              rules={codeRules('idNumber')}
            >
              <Input maxLength={18} autoComplete="off" style={monoStyle} />
            </Form.Item>
          </Col>
        </Row>
      </Section>

      <Section
        title={t('filing.sectionContacts')}
        extra={
          mode === 'change' ? (
            <Form.Item name="editContacts" valuePropName="checked" noStyle>
              <Checkbox data-testid="edit-contacts">{t('portal.editContacts')}</Checkbox>
            </Form.Item>
          ) : null
        }
      >
        {mode === 'change' ? (
          <Form.Item noStyle shouldUpdate={(a, b) => a.editContacts !== b.editContacts}>
            {({ getFieldValue }) => (getFieldValue('editContacts') ? <ContactsList required /> : null)}
          </Form.Item>
        ) : (
          <ContactsList required />
        )}
      </Section>

      <Section title={t('filing.sectionRoles')}>
        <Form.Item
          name="roles"
          rules={strict ? [{ required: true, type: 'array', min: 1, message: t('filing.rolesRequired') }] : []}
        >
          <Checkbox.Group style={{ width: '100%' }}>
            <Row gutter={[8, 8]}>
              {ENTERPRISE_ROLES.map((r) => (
                <Col key={r} xs={12} md={6}>
                  <Checkbox value={r}>
                    {t(`entRole.${r}`)} <span style={{ color: '#98a2b3', fontSize: 12 }}>{r}</span>
                  </Checkbox>
                </Col>
              ))}
            </Row>
          </Checkbox.Group>
        </Form.Item>
      </Section>

      {mode === 'apply' && (
        <Section title={t('filing.sectionAccount')}>
          <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
            {t('filing.accountHint')}
          </Typography.Paragraph>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name={['account', 'username']} label={t('filing.username')} rules={req(t('filing.username'))}>
                <Input maxLength={64} autoComplete="username" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['account', 'displayName']} label={opt(t('filing.displayName'))}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name={['account', 'password']}
                label={t('filing.password')}
                extra={t('password.rule')}
                rules={passwordRules(t, t('filing.password'))}
              >
                <Input.Password maxLength={128} autoComplete="new-password" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name={['account', 'confirm']}
                label={t('filing.passwordConfirm')}
                dependencies={[['account', 'password']]}
                rules={[
                  ...req(t('filing.passwordConfirm')),
                  ({ getFieldValue }) => ({
                    validator: (_, v) =>
                      !v || v === getFieldValue(['account', 'password'])
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('password.mismatch'))),
                  }),
                ]}
              >
                <Input.Password maxLength={128} autoComplete="new-password" />
              </Form.Item>
            </Col>
          </Row>
        </Section>
      )}
    </>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Values ⇄ bodies

const trim = (v: string | undefined | null): string | undefined => {
  const s = (v ?? '').trim();
  return s === '' ? undefined : s;
};

function contactsOf(v: FilingFormValues): Contact[] {
  return (v.contacts ?? []).map((c) => {
    const email = trim(c.email);
    return { name: trim(c.name) ?? '', phone: trim(c.phone) ?? '', ...(email ? { email } : {}) };
  });
}

/** The body of a filing (or resubmission) from the form's values; empty optional fields are left out. */
export function filingBody(v: FilingFormValues): FilingInput {
  const idNumber = trim(v.legalRepresentative?.idNumber);
  const body: FilingInput = {
    uscc: trim(v.uscc) ?? '',
    nameCn: trim(v.nameCn) ?? '',
    legalRepresentative: { name: trim(v.legalRepresentative?.name) ?? '', ...(idNumber ? { idNumber } : {}) },
    registeredAddress: trim(v.registeredAddress) ?? '',
    regionCode: trim(v.regionCode) ?? '',
    contacts: contactsOf(v),
    roles: v.roles ?? [],
  };
  const customsCode = trim(v.customsCode);
  const nameEn = trim(v.nameEn);
  const dxpId = trim(v.dxpId);
  if (customsCode) body.customsCode = customsCode;
  if (nameEn) body.nameEn = nameEn;
  if (dxpId) body.dxpId = dxpId;
  return body;
}

/** The form's initial values from an existing filing. Masked fields (phones, ID number) are left empty. */
export function valuesOf(e: Enterprise): FilingFormValues {
  return {
    uscc: e.uscc,
    customsCode: e.customsCode ?? undefined,
    nameCn: e.nameCn,
    nameEn: e.nameEn ?? undefined,
    legalRepresentative: { name: e.legalRepresentative.name },
    registeredAddress: e.registeredAddress,
    regionCode: e.regionCode,
    contacts: e.contacts.map((c) => ({ name: c.name, email: c.email ?? undefined })),
    dxpId: e.dxpId ?? undefined,
    roles: [...e.roles],
    editContacts: false,
  };
}

/** Only what differs from the current filing, for a change request. */
export function changeBody(v: FilingFormValues, e: Enterprise): ChangeRequestInput {
  const out: ChangeRequestInput = {};
  const scalar = (key: 'customsCode' | 'nameCn' | 'nameEn' | 'registeredAddress' | 'regionCode' | 'dxpId') => {
    const next = trim(v[key]);
    if (next !== undefined && next !== (e[key] ?? undefined)) out[key] = next;
  };
  scalar('customsCode');
  scalar('nameCn');
  scalar('nameEn');
  scalar('registeredAddress');
  scalar('regionCode');
  scalar('dxpId');
  const legalName = trim(v.legalRepresentative?.name);
  const idNumber = trim(v.legalRepresentative?.idNumber);
  if ((legalName && legalName !== e.legalRepresentative.name) || idNumber) {
    out.legalRepresentative = { name: legalName ?? e.legalRepresentative.name, ...(idNumber ? { idNumber } : {}) };
  }
  const roles = v.roles ?? [];
  const same = roles.length === e.roles.length && roles.every((r) => e.roles.includes(r));
  if (!same) out.roles = roles;
  if (v.editContacts) out.contacts = contactsOf(v);
  return out;
}
